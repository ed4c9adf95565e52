grammar:  ddx fuzz finding: an exception other than ddx::error escaped ddx::session::run St12domain_error: power::eval(): pow(0,0) is undefined 
